/** Every tool the persona MCP server lists, sorted. */
export const ALL_TOOLS = [
  'cancel_persona_job', 'check_persona_job', 'current_date', 'invoke_architect', 'invoke_data', 'invoke_engineer', 'invoke_panel', 'invoke_persona',
  'invoke_qa', 'invoke_security', 'invoke_sre', 'list_persona_jobs', 'list_personas', 'persona_database_stats', 'propose_standard',
  'reset_persona_jobs', 'retry_persona_job', 'search_standards',
];
