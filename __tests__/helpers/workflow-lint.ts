import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'

/** Errors from GitHub's own parser (the one behind the Actions VS Code extension) and its schemas. */
export async function lint(name: string, content: string): Promise<string[]> {
  if (name.endsWith('action.yml')) {
    return parseAction({ name, content }, new NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((e) => e.message)
  }
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map((e) => e.message)
  if (!parsed.value) return errors
  const converted = await convertWorkflowTemplate(parsed.context, parsed.value)
  return [...new Set([...errors, ...(converted.errors ?? []).map((e) => e.Message)])]
}
