import type { PropFilter } from '@lifeline/protocol';
import type { SqlParams } from './params';

/** The comparison operators, written out so only these four ever reach the SQL. */
const NUMERIC_OPS = { '>': '>', '>=': '>=', '<': '<', '<=': '<=' } as const;

/**
 * A condition on one key of the `props` JSON text. `=`/`!=`/`~` compare the value as text
 * (a string as itself, a number or boolean as written: `2`, `true`); `>`/`>=`/`<`/`<=`
 * compare numbers, and a key that is absent or not a number never matches them.
 *
 * @example propCondition({ key: 'product_id', op: '=', value: 'tee-rose' }, p)
 */
export function propCondition(f: PropFilter, p: SqlParams): string {
  const key = p.add('String', f.key);
  const text = `if(JSONType(props, ${key}) = 'String', JSONExtractString(props, ${key}), JSONExtractRaw(props, ${key}))`;
  switch (f.op) {
    case '=':
      return `(JSONHas(props, ${key}) AND ${text} = ${p.add('String', f.value)})`;
    case '!=':
      return `NOT (JSONHas(props, ${key}) AND ${text} = ${p.add('String', f.value)})`;
    case '~':
      return `(JSONHas(props, ${key}) AND positionCaseInsensitiveUTF8(${text}, ${p.add('String', f.value)}) > 0)`;
    default:
      return `(JSONType(props, ${key}) IN ('Int64', 'UInt64', 'Double') AND JSONExtractFloat(props, ${key}) ${NUMERIC_OPS[f.op]} ${p.add('Float64', Number(f.value))})`;
  }
}
