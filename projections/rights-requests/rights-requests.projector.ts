import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../contracts/events/event-envelope';
import type { RightsRequestEvent } from '../../contracts/events/rights-request.events';
import type { Projection } from '../runner/projection';

/**
 * The register of rights requests: one row per request with its deadline and outcome.
 * Idempotent: a request is created once (ON CONFLICT DO NOTHING), and an extension or completion
 * sets columns to the values its event holds, so applying an event again changes nothing.
 */
@Injectable()
export class RightsRequestsProjector implements Projection {
  readonly name = 'rights-requests';
  readonly version = 1;
  readonly eventTypes = ['RightsRequestRecorded', 'RightsRequestExtended', 'RightsRequestCompleted'] satisfies Array<RightsRequestEvent['type']>;

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const recorded of events) {
      const event = recorded as unknown as RightsRequestEvent;
      switch (event.type) {
        case 'RightsRequestRecorded': {
          const { requestId, memberId, right, channel, receivedAt, dueBy } = event.data;
          await tx.query(
            `INSERT INTO rights_requests (request_id, member_id, right_invoked, channel, received_at, due_by, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
            [requestId, memberId ?? null, right, channel, receivedAt, dueBy, recorded.position.toString()],
          );
          break;
        }
        case 'RightsRequestExtended':
          await tx.query('UPDATE rights_requests SET due_by = $2, extension_reason = $3 WHERE request_id = $1', [
            event.data.requestId,
            event.data.dueBy,
            event.data.reason,
          ]);
          break;
        case 'RightsRequestCompleted':
          await tx.query('UPDATE rights_requests SET outcome = $2, completed_at = $3 WHERE request_id = $1', [
            event.data.requestId,
            event.data.outcome,
            event.data.completedAt,
          ]);
          break;
      }
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM rights_requests');
  }
}
