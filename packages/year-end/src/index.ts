// Year end of a coop (issue 9): the SHU split, its simulation, RAT approval and single distribution.
export {
  allocateShu,
  SHU_POOLS,
  type MemberBasis,
  type MemberShare,
  type ShuAllocation,
  type ShuAllocationPercents,
  type ShuInput,
  type ShuPool,
} from './shu/allocation';
export {
  shuDecider,
  type ShuCommand,
  type ShuEvent,
  type ShuSimulationData,
  type ShuState,
} from './shu/shu.decider';
export {
  shuRoutes,
  type ClosedYear,
  type ShuBasesSource,
  type ShuRoutesDeps,
  type ShuSurplusSource,
} from './shu/shu-routes';
export {
  DEFAULT_SHU_BASES,
  MemberActivityBook,
  type LoanPayment,
  type LoanPaymentPart,
  type SavingsChange,
  type SavingsKind,
  type ShuBasesConfig,
} from './shu/bases/member-activity';
export { recordActivity, shuActivityConsumers } from './shu/bases/activity-consumers';
