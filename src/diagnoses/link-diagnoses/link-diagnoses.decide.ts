import type { DomainEvent } from '../../../contracts/events/domain-event';
import type { DiagnosesLinked } from '../../../contracts/events/diagnosis.events';
import { DomainError, invalid, notFound } from '../../domain/domain-error';
import type { CommandContext } from '../../event-store/command-handling';
import type { ClusterState } from '../cluster';
import { tidyName } from '../diagnosis-codes';
import type { DiagnosisState } from '../diagnosis';

export interface LinkDiagnoses {
  /** The named cluster, or the id for a new one (from the id generator). */
  clusterId: string;
  /** True when the request named a cluster (which must then exist). */
  clusterNamed: boolean;
  name: string;
  diagnosisIds: readonly string[];
  /** The current state of each diagnosis in diagnosisIds. */
  diagnoses: Readonly<Record<string, DiagnosisState>>;
}

/**
 * Gathers open diagnosis groups into a cluster of shared characteristics: a new cluster needs
 * at least two, an existing one gets those it does not have yet (none new: nothing happens, so
 * a retried request is harmless). Members' data crosses groups only with their consent to the
 * wider scope; that is decided where lists are made, not here.
 */
export function decideLinkDiagnoses(state: ClusterState, command: LinkDiagnoses, context: CommandContext): DomainEvent[] {
  if (context.actorRole !== 'secretariat') throw new DomainError('forbidden', 'secretariat-only', 'Only the secretariat links diagnoses.');
  const name = tidyName(command.name);
  if (name === '') throw invalid('name-required', 'name', 'The cluster needs a name.');
  if (command.clusterNamed && !state.exists) throw notFound('cluster-not-found', 'No cluster has this id.');
  const diagnosisIds = [...new Set(command.diagnosisIds)];
  if (!state.exists && diagnosisIds.length < 2) throw invalid('cluster-needs-two', 'diagnosisIds', 'A new cluster gathers at least two diagnoses.');
  const notOpen = diagnosisIds.filter((id) => command.diagnoses[id]?.status !== 'open');
  if (notOpen.length > 0) {
    throw invalid('diagnoses-not-open', 'diagnosisIds', `Every diagnosis must exist and have an open group; these do not: ${notOpen.join(', ')}.`);
  }
  const added = diagnosisIds.filter((id) => !state.diagnosisIds.includes(id));
  if (added.length === 0) return [];
  const linked: DiagnosesLinked = { type: 'DiagnosesLinked', data: { clusterId: command.clusterId, name, diagnosisIds: added } };
  return [linked];
}
