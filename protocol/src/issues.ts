import type { z } from 'zod';

/** Turns zod issues into `{ path, message }` pairs and one readable sentence. */
export function describeIssues(error: z.ZodError): { reason: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  const reason = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { reason, issues };
}
