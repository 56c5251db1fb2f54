/** A problem with what the workflow gave the action; its message is the one line the user sees. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}
