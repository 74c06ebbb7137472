import { z } from 'zod';
import { PersonaError } from '../core/errors';
import { DEMO_MODEL_ID } from '../personas/demoModel/server';
import type { Cost, PriceRow, TokenCounts } from './reportTypes';

/** The setting that overrides the built-in prices. */
export const PRICES_SETTING = 'agentOsPersonas.metrics.prices';

export interface ModelPrice {
  /** US dollars per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Anthropic's published prices, USD per million tokens (platform.claude.com model pages and
 * the pricing page, read 2026-12). cacheWrite is the 5-minute cache write (the API's default,
 * and what cache_control {type:'ephemeral'} asks for). Keys are model ids or their family
 * prefix; lookup takes the longest key that is the id or a prefix of it at a `-` (so a dated id
 * such as claude-sonnet-4-5-20250929 is priced as claude-sonnet-4-5).
 */
export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-5-5': { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5 },
  // Sonnet 5.5 cache reads were cut from $0.20 to $0.10 on 2026-10-07.
  'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
  // Haiku 5.5 is priced by prompt length; these are the rates for prompts up to 100,000 tokens
  // (longer ones pay 5x): metrics sum tokens per day and cannot see a request's length.
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125 },
  'claude-opus-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  // Opus 4.5 to 4.8 share one price; 4.8's own page was not found, so it takes its family's.
  'claude-opus-4-8': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-7': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-6': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  // Opus 4 and Sonnet 4 (claude-opus-4-0, claude-opus-4-20250514, …): the family's first price.
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
};

const PRICE = z.strictObject({
  input: z.number().finite().min(0),
  output: z.number().finite().min(0),
  cacheRead: z.number().finite().min(0),
  cacheWrite: z.number().finite().min(0),
});
const PRICES = z.record(z.string().trim().min(1).max(200), PRICE);

/** The prices costs are estimated with, and where they came from. */
export class PriceTable {
  private constructor(
    readonly source: 'built-in' | 'settings',
    private readonly prices: ReadonlyMap<string, ModelPrice>,
  ) {}

  static builtIn(): PriceTable {
    return new PriceTable('built-in', new Map(Object.entries(BUILT_IN_PRICES)));
  }

  /**
   * The built-ins with the setting's value merged over them. A malformed value is refused as a
   * whole (a half-applied table would misprice silently): `problem` names the setting and the
   * field, and the built-ins apply.
   */
  static fromSetting(raw: unknown): { table: PriceTable; problem: PersonaError | null } {
    if (raw === undefined || raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0)) return { table: PriceTable.builtIn(), problem: null };
    const parsed = PRICES.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = [PRICES_SETTING, ...issue.path.map(String)].join('.');
      return {
        table: PriceTable.builtIn(),
        problem: new PersonaError(
          'INVALID_INPUT',
          `The setting ${PRICES_SETTING} is malformed at ${field}: ${issue.message}. The built-in prices apply.`,
          `Give each model id an object {"input", "output", "cacheRead", "cacheWrite"} of US dollars per million tokens (numbers, 0 or more), e.g. {"claude-sonnet-4-5": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}}.`,
        ),
      };
    }
    return { table: new PriceTable('settings', new Map([...Object.entries(BUILT_IN_PRICES), ...Object.entries(parsed.data)])), problem: null };
  }

  /** The price of a model id: its own, or its longest prefix's at a `-`; null when there is none. */
  lookup(model: string): ModelPrice | null {
    let best: string | null = null;
    for (const key of this.prices.keys()) {
      if ((model === key || model.startsWith(`${key}-`)) && (best === null || key.length > best.length)) best = key;
    }
    return best === null ? null : this.prices.get(best)!;
  }

  rows(): PriceRow[] {
    return [...this.prices].sort(([a], [b]) => a.localeCompare(b)).map(([model, p]) => ({ model, ...p }));
  }
}

/** Whether a model id is the offline demo model (free). */
export function isDemoModel(model: string): boolean {
  return model === DEMO_MODEL_ID;
}

const MICRO = 1_000_000;

/**
 * The cost of tokens by model. Demo tokens cost 0 and are counted as such; tokens of a model
 * with no price (an editor chat model `vscode-lm:*`, an unknown or empty id) make the cost
 * unknown for them, never 0: `usd` is null when nothing could be priced.
 */
export function costOf(tokensByModel: Iterable<readonly [string, TokenCounts]>, prices: PriceTable): Cost {
  let usd = 0;
  let priced = false;
  let demoTokens = 0;
  let unpricedTokens = 0;
  for (const [model, t] of tokensByModel) {
    const total = t.input + t.output + t.cacheRead + t.cacheWrite;
    if (total === 0) continue;
    if (isDemoModel(model)) {
      demoTokens += total;
      continue;
    }
    // No built-in price names an editor model (`vscode-lm:*`); a settings entry for one applies.
    const price = prices.lookup(model);
    if (!price) {
      unpricedTokens += total;
      continue;
    }
    priced = true;
    usd += (t.input * price.input + t.output * price.output + t.cacheRead * price.cacheRead + t.cacheWrite * price.cacheWrite) / MICRO;
  }
  // Micro-dollars: sums of float products would otherwise show 0.30000000000000004.
  const rounded = Math.round(usd * MICRO) / MICRO;
  return { usd: priced || unpricedTokens === 0 ? rounded : null, demoTokens, unpricedTokens };
}

export function emptyTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
}

export function addTokens(into: TokenCounts, t: TokenCounts): TokenCounts {
  into.input += t.input;
  into.output += t.output;
  into.cacheRead += t.cacheRead;
  into.cacheWrite += t.cacheWrite;
  return into;
}
