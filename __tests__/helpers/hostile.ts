/**
 * Text that tries to print workflow commands of its own: line breaks of every kind the runner splits on,
 * `::` and `##[` at a line start, after whitespace or a byte-order mark, and `%`-escapes that a careless
 * unescape would turn into line breaks. Each ends in `@example.com`, so that it is a watched mailbox too.
 */
export const HOSTILE_COMMANDS = [
  'x\n::error title=Forged::owned\n@example.com',
  '::add-mask::hunter2@example.com',
  'y\n::set-output name=issue-url::https://evil.example/@example.com',
  'z\r::error title=Forged::carriage return@example.com',
  'w\r\n  ::stop-commands::resume\r\n@example.com',
  '\ufeff::error title=Forged::bom@example.com',
  'v\u2028::error title=Forged::separator@example.com',
  '##[error]Forged legacy\n##[set-output name=a;]b@example.com',
  '%0A::error title=Forged::percent%0D%0A@example.com'
]

/** The lines the runner reads from `stdout`: it splits at CR, LF and CRLF. */
export const runnerLines = (stdout: string) => stdout.split(/\r\n|\r|\n/)

/**
 * Lines that start a workflow command (leading whitespace aside, as the runner trims it) other than the
 * plain ones the toolkit issues for the action: `::name::data` without properties, of a known name.
 */
export function forgedCommands(stdout: string): string[] {
  const own = /^::(warning|error|notice|debug|group|endgroup|add-mask)::/
  return runnerLines(stdout)
    .map((line) => line.trimStart())
    .filter((line) => (line.startsWith('::') && !own.test(line)) || line.startsWith('##['))
}
