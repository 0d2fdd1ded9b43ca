import type { Type } from '@nestjs/common';
import type { Projection } from './runner/projection';

/** Every read model and reactor the service runs, each a folder beside this file. */
export const ALL_PROJECTIONS: Array<Type<Projection>> = [];
