import { given } from '../../../test/support/decider-spec';
import { type RecordRightsRequest, decideRecordRightsRequest } from './record-rights-request.decide';
import { rightsRequestEvolver } from '../rights-request';

const REQUEST = 'a1000000-0000-4000-8000-000000000001';
const MEMBER = 'f1000000-0000-4000-8000-000000000001';
/** 10:00 in Denmark on 31 January 2026. */
const NOW = new Date('2026-01-31T09:00:00.000Z');
const record = (command: Partial<RecordRightsRequest> = {}, now = NOW) => (state: Parameters<typeof decideRecordRightsRequest>[0]) =>
  decideRecordRightsRequest(state, { requestId: REQUEST, right: 'access', channel: 'letter', memberKnown: false, ...command }, now);

describe('record-rights-request', () => {
  it('records a request received today, due one calendar month later (31 January: 28 February)', () => {
    given(rightsRequestEvolver)
      .when(record({ memberId: MEMBER, memberKnown: true }))
      .then([
        {
          type: 'RightsRequestRecorded',
          data: { requestId: REQUEST, memberId: MEMBER, right: 'access', channel: 'letter', receivedAt: '2026-01-31', dueBy: '2026-02-28' },
        },
      ]);
  });

  it('counts from the day it was received, and in a leap year 31 January is due 29 February', () => {
    given(rightsRequestEvolver)
      .when(record({ right: 'erasure', channel: 'phone', receivedAt: '2028-01-31' }, new Date('2028-02-10T12:00:00.000Z')))
      .then([{ type: 'RightsRequestRecorded', data: { requestId: REQUEST, right: 'erasure', channel: 'phone', receivedAt: '2028-01-31', dueBy: '2028-02-29' } }]);
  });

  it('takes today in Denmark: just after midnight there it is already the next day', () => {
    given(rightsRequestEvolver)
      .when(record({}, new Date('2026-03-30T22:30:00.000Z')))
      .then([{ type: 'RightsRequestRecorded', data: { requestId: REQUEST, right: 'access', channel: 'letter', receivedAt: '2026-03-31', dueBy: '2026-04-30' } }]);
  });

  it('refuses a day of receipt in the future', () => {
    given(rightsRequestEvolver).when(record({ receivedAt: '2026-02-01' })).thenFails({ kind: 'invalid', rule: 'received-in-future', field: 'receivedAt' });
  });

  it('refuses a member id the log does not know', () => {
    given(rightsRequestEvolver).when(record({ memberId: MEMBER, memberKnown: false })).thenFails({ kind: 'not-found', rule: 'unknown-member' });
  });

  it('never writes over an existing request', () => {
    given(rightsRequestEvolver, record()(rightsRequestEvolver.initialState)).when(record()).thenFails({ kind: 'conflict', rule: 'rights-request-exists' });
  });
});
