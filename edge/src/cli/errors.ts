/** Exit status of a failed command: 1 when the edge or the network failed, 2 for bad usage. */
export type ExitCode = 1 | 2;

/** A failure with the message the operator reads, and the exit status it ends with. */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error: exit status 2. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}
