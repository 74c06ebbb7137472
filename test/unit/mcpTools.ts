/** Every tool the persona MCP server lists, sorted. */
export const ALL_TOOLS = [
  'cancel_persona_job', 'check_persona_job', 'complete_phase', 'current_date', 'get_current_phase', 'get_task', 'get_workflow_state', 'invoke_architect',
  'invoke_data', 'invoke_engineer', 'invoke_panel', 'invoke_persona', 'invoke_qa', 'invoke_security', 'invoke_sre', 'invoke_workflow_executor',
  'list_findings', 'list_persona_jobs', 'list_personas', 'list_workflows', 'persona_database_stats', 'persona_metrics', 'propose_standard', 'reset_persona_jobs', 'retry_persona_job',
  'search_standards', 'start_workflow',
];
