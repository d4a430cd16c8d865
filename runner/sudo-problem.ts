/**
 * sudo's refusals, read from a session's stderr, in words that say what to do;
 * undefined when sudo did not refuse. Shared by the local and SSH transports.
 */
export function sudoProblem(stderr: string): string | undefined {
  if (/sudo: a (terminal is required|password is required)/.test(stderr)) {
    return 'sudo requires a password on this host and none was given (use --ask-become-pass)';
  }
  if (/incorrect password attempt|Sorry, try again/.test(stderr)) return 'sudo refused the become password';
  if (/is not in the sudoers file|is not allowed to execute/.test(stderr)) {
    const said = stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return `sudo refused: ${said.slice(-3).join('; ')}`;
  }
  return undefined;
}
