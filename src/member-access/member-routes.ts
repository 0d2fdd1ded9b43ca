import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';

/** The OpenAPI description every controller of @MemberOnly() /me routes shares. */
export const MemberRoutes = (): ClassDecorator =>
  applyDecorators(
    ApiTags('self-service'),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'No live member session: sign in again with an emailed link.' }),
    ApiResponse({ status: 403, description: 'A staff key: these routes serve the signed-in member only.' }),
  );
