import type { DomainEvent } from '../../contracts/events/domain-event';
import type { ClusterEvent } from '../../contracts/events/diagnosis.events';
import type { Evolver } from '../event-store/command-handling';

/** A cluster of diagnosis groups that share characteristics (stream `cluster-<clusterId>`). */
export interface ClusterState {
  exists: boolean;
  clusterId: string;
  name: string;
  diagnosisIds: string[];
}

export const initialClusterState: ClusterState = { exists: false, clusterId: '', name: '', diagnosisIds: [] };

export function evolveCluster(state: ClusterState, domainEvent: DomainEvent): ClusterState {
  const event = domainEvent as ClusterEvent;
  switch (event.type) {
    case 'DiagnosesLinked': {
      const added = event.data.diagnosisIds.filter((id) => !state.diagnosisIds.includes(id));
      return { exists: true, clusterId: event.data.clusterId, name: event.data.name, diagnosisIds: [...state.diagnosisIds, ...added] };
    }
    default:
      return state;
  }
}

export const clusterEvolver: Evolver<ClusterState> = { initialState: initialClusterState, evolve: evolveCluster };
