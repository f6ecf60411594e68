export {
  type AccessPolicy,
  type AccessRequest,
  type ActionRule,
  type ConsentChecker,
  createAccessPolicy,
  type Decision,
  type Grant,
  type PolicyDefinition,
  type Purpose,
  type RelationResolver,
} from './policy.ts';
export { type Actor, isStaffRole, OPERATOR, ROLES, type Role, STAFF_ROLES } from './roles.ts';
