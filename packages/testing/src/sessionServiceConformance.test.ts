import { InMemorySessionService } from '@rxagents/core';
import { sessionServiceConformance } from './sessionServiceConformance.js';

sessionServiceConformance('InMemorySessionService', () => ({ service: new InMemorySessionService() }));
