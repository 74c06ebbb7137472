import { CORE_ERROR_CODES, CORE_ERROR_HINTS, type PersonaErrorCode } from '../core/errors';
import { FINDING_ERROR_CODES, FINDING_ERROR_HINTS } from '../findings/findingErrors';
import { JOB_ERROR_CODES, JOB_ERROR_HINTS } from '../jobs/jobErrors';
import { PERSONA_ERROR_CODES, PERSONA_ERROR_HINTS } from '../personas/personaErrors';
import { STANDARD_ERROR_CODES, STANDARD_ERROR_HINTS } from '../standards/standardErrors';
import { WORKFLOW_ERROR_CODES, WORKFLOW_ERROR_HINTS } from '../workflows/workflowErrors';

/** One error code as the guide's troubleshooting table shows it. */
export interface ErrorCodeEntry {
  code: PersonaErrorCode;
  /** The domain whose table holds it, in words. */
  domain: string;
  /** What it means (the domain table's text). */
  meaning: string;
  /** What to do (the domain's hint table). */
  hint: string;
}

/** A domain's two tables; the hints are typed by the codes, so each code has both. */
interface Domain<C extends string> {
  domain: string;
  codes: Readonly<Record<C, string>>;
  hints: Readonly<Record<C, string>>;
}

function entries<C extends PersonaErrorCode>({ domain, codes, hints }: Domain<C>): ErrorCodeEntry[] {
  return (Object.keys(codes) as C[]).map((code) => ({ code, domain, meaning: codes[code], hint: hints[code] }));
}

/** Every error code a user or an agent can meet, domain by domain, each in its table's order. */
export function errorCatalog(): ErrorCodeEntry[] {
  return [
    ...entries({ domain: 'general', codes: CORE_ERROR_CODES, hints: CORE_ERROR_HINTS }),
    ...entries({ domain: 'jobs and store', codes: JOB_ERROR_CODES, hints: JOB_ERROR_HINTS }),
    ...entries({ domain: 'models and personas', codes: PERSONA_ERROR_CODES, hints: PERSONA_ERROR_HINTS }),
    ...entries({ domain: 'standards', codes: STANDARD_ERROR_CODES, hints: STANDARD_ERROR_HINTS }),
    ...entries({ domain: 'workflows', codes: WORKFLOW_ERROR_CODES, hints: WORKFLOW_ERROR_HINTS }),
    ...entries({ domain: 'findings', codes: FINDING_ERROR_CODES, hints: FINDING_ERROR_HINTS }),
  ];
}
