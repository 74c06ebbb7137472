import { readOwnFile } from '../core/ownFile';
import { WorkflowFileError } from './workflowMarkdown';

/** A workflow file is instructions and a gate; one larger than this is not one. */
export const MAX_WORKFLOW_FILE_BYTES = 1024 * 1024;

/**
 * Reads a workflow file without following a link (a workspace file may be planted), bounded;
 * undefined when it is not there. Anything else it cannot read is a problem at line 1.
 */
export function readWorkflowFile(path: string, shownAs: string): string | undefined {
  const read = readOwnFile(path, { maxBytes: MAX_WORKFLOW_FILE_BYTES, private: false });
  if (read.kind === 'missing') return undefined;
  if (read.kind === 'refused') throw new WorkflowFileError({ file: path, line: 1, message: `${shownAs} was not read: ${read.reason}`, severity: 'error' });
  return read.text;
}
