import { z } from 'zod';
import { PersonaError } from '../../core/errors';
import { grepTool } from './grep';
import { listFilesTool } from './listFiles';
import { proposeStandardTool } from './proposeStandard';
import { readFileTool } from './readFile';
import { searchStandardsTool } from './searchStandards';
import type { HostToolDefinition, PersonaTool, ToolAnswer, ToolContext } from './types';

export const PERSONA_TOOLS: readonly PersonaTool[] = [searchStandardsTool, readFileTool, listFilesTool, grepTool, proposeStandardTool];
export const TOOL_NAMES = PERSONA_TOOLS.map((t) => t.name);

/** The tools a persona's front matter allows, in a stable order. */
export function toolsFor(allowed: readonly string[]): PersonaTool[] {
  return PERSONA_TOOLS.filter((t) => allowed.includes(t.name));
}

/** The Messages API `tools` entries: JSON Schema generated from the zod schema, the one source of validation. */
export function toolDefinitions(tools: readonly PersonaTool[]): { name: string; description: string; input_schema: { type: 'object'; [k: string]: unknown } }[] {
  return tools.map((t) => ({ name: t.name, description: t.description, input_schema: { ...(t.inputSchema ?? inputJsonSchema(t.schema)), type: 'object' } }));
}

/** A zod schema as the JSON Schema of a tool's input (without `$schema`, which tool definitions do not carry). */
export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

/**
 * Runs one tool call. Bad arguments, refused paths and a call past `timeoutMs` come back as
 * an error text for the model (is_error), never as a failed job: the model can correct itself.
 */
/** A host tool as the worker offers it: the host validates the input and runs it. */
export function hostTool(definition: HostToolDefinition): PersonaTool {
  return {
    name: definition.name,
    description: definition.description,
    schema: z.unknown(),
    inputSchema: definition.inputSchema,
    phase: 'analyzing',
    run: (input, context) => {
      if (!context.host.callHostTool) throw new PersonaError('TOOL_ERROR', `${definition.name} cannot run here.`, 'Run the job from the editor or the CLI, which own the workspace\'s store.');
      return context.host.callHostTool(definition.name, input);
    },
  };
}

export async function runTool(tools: readonly PersonaTool[], name: string, input: unknown, context: ToolContext, timeoutMs = Infinity): Promise<ToolAnswer> {
  const tool = tools.find((t) => t.name === name);
  if (!tool) return { content: `There is no tool "${name}" for this persona. Tools: ${tools.map((t) => t.name).join(', ') || 'none'}.`, isError: true };
  const parsed = tool.schema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return { content: `Invalid arguments for ${name}: ${issues}.`, isError: true };
  }
  if (!Number.isFinite(timeoutMs)) return settle(() => tool.run(parsed.data, context));
  const overrun = new AbortController();
  const timer = setTimeout(() => overrun.abort(), timeoutMs);
  const stopped = new Promise<never>((_, reject) => {
    overrun.signal.addEventListener('abort', () => reject(new PersonaError('TOOL_ERROR', `${name} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, 'Narrow it: a smaller folder, a simpler pattern, or a line range.')), { once: true });
  });
  try {
    const signal = AbortSignal.any([context.signal, overrun.signal]);
    return await settle(() => Promise.race([tool.run(parsed.data, { ...context, signal }), stopped]));
  } finally {
    clearTimeout(timer);
  }
}

/** A tool's answer, or its refusal as an error text for the model; anything else is the job's failure. */
async function settle(run: () => Promise<string | ToolAnswer>): Promise<ToolAnswer> {
  try {
    const answer = await run();
    return typeof answer === 'string' ? { content: answer, isError: false } : answer;
  } catch (err) {
    if (err instanceof PersonaError && (err.code === 'PATH_REFUSED' || err.code === 'TOOL_ERROR' || err.code === 'INVALID_INPUT')) {
      return { content: `${err.message} ${err.hint}`, isError: true };
    }
    throw err;
  }
}
