import type { AlertProblem } from '@tutti/protocol';
import { statusLabelKey } from '../devices/status.ts';

const otherProblems = {
  agent_disconnected: 'alerts.problem.agentDisconnected',
  monitoring_issue: 'monitoringStatus.issue',
  monitoring_off: 'monitoringStatus.off',
  plan_overflow: 'alerts.problem.planOverflow',
} as const;

function isOtherProblem(problem: AlertProblem): problem is keyof typeof otherProblems {
  return problem in otherProblems;
}

/** The translation key of what an alert is about: a device status, or a problem of an agent or the plan. */
export function problemLabelKey(problem: AlertProblem) {
  return isOtherProblem(problem) ? otherProblems[problem] : statusLabelKey(problem);
}
