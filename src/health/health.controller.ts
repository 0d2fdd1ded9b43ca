import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ProjectionsService } from '../../projections/projections.module';
import { ContactListSender } from '../contact-lists/contact-list-sender';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { Public } from '../http/access';
import type { RequestWithCaller } from '../http/access.guard';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly projections: ProjectionsService,
    private readonly sender: ContactListSender,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, event store, each projection with its state (503 when one is down or failed), and the contact-list sender.',
    description:
      'With a staff key also the log head and each projection’s position and lag. Not without one: whether the log grew ' +
      'after a public request would tell whether it recorded anything, and so whether an address was already in a group.',
  })
  ready(@Req() request: RequestWithCaller) {
    const staff = request.caller?.role === 'secretariat' || request.caller?.role === 'dpo';
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(3000),
      async () => {
        const session = this.indicators.check('projections');
        const head = await this.store.headPosition();
        const statuses = this.projections.statuses().map((status) => ({
          name: status.name,
          state: status.state,
          ...(staff
            ? {
                position: status.position.toString(),
                lag: status.state === 'active' ? (head - status.position).toString() : undefined,
                failedAtPosition: status.failedAtPosition?.toString(),
              }
            : {}),
        }));
        const data: { head?: string; projections: typeof statuses } = staff ? { head: head.toString(), projections: statuses } : { projections: statuses };
        return statuses.some((status) => status.state === 'failed') ? session.down(data) : session.up(data);
      },
      // 'standby' is healthy too: another instance is the active sender.
      async () => this.indicators.check('contactListSender').up({ state: this.sender.status().state }),
    ]);
  }
}
