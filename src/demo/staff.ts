import type { OrganisationType } from '../modules/identity/index.ts';
import type { Role } from '../platform/access/index.ts';

/**
 * Every address of the demo ends in this domain (RFC 2606 reserves `.example`): demo sign-ins accept only
 * these accounts, and a reset refuses a database that holds any other.
 */
export const DEMO_DOMAIN = 'demo.topfit.example';

/** The password of every demo account that can sign in (printed at start; demo installations only). */
export const DEMO_PASSWORD = 'topfit-demo-2026';

/** The partner organisations of the demo region: real kinds of partner, fictional people. */
export const DEMO_ORGANISATIONS = [
  { key: 'ut', name: 'Universiteit Twente', type: 'university' },
  { key: 'radboudumc', name: 'Radboudumc', type: 'university_medical_centre' },
  { key: 'coaching', name: 'Leefstijlcoaches Oost (demo)', type: 'hospital_or_care' },
  { key: 'ggd', name: 'GGD Twente', type: 'ggd' },
  { key: 'enschede', name: 'Gemeente Enschede', type: 'municipality' },
  { key: 'startup', name: 'GlucoSense B.V. (demo)', type: 'start_up' },
] as const satisfies readonly { key: string; name: string; type: OrganisationType }[];

type OrganisationKey = (typeof DEMO_ORGANISATIONS)[number]['key'];

/** A demo staff member: one per role, with what they do in the demo. */
export interface DemoStaff {
  /** A fixed id, so that the staff are the same in every demo database. */
  id: string;
  email: string;
  displayName: string;
  role: Role;
  organisation: OrganisationKey | null;
}

const staff = (
  n: number,
  local: string,
  displayName: string,
  role: Role,
  organisation: OrganisationKey | null,
) => ({
  id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  email: `${local}@${DEMO_DOMAIN}`,
  displayName,
  role,
  organisation,
});

export const DEMO_STAFF: readonly DemoStaff[] = [
  staff(1, 'admin', 'Anouk Beheer', 'administrator', null),
  staff(2, 'steward', 'Daan de Vries', 'data_steward', null),
  staff(3, 'coach', 'Fatima El Amrani', 'coach', 'coaching'),
  staff(4, 'researcher', 'Pieter Jansen', 'researcher', 'ut'),
  staff(5, 'researcher.radboud', 'Lotte Bakker', 'researcher', 'radboudumc'),
  staff(6, 'programme', 'Marieke Smit', 'programme_manager', null),
  staff(7, 'analyst.ggd', 'Joris Mulder', 'partner_analyst', 'ggd'),
  staff(8, 'analyst.enschede', 'Esra Yilmaz', 'partner_analyst', 'enschede'),
  staff(9, 'innovator', 'Bram Visser', 'innovator', 'startup'),
];

/** The demo's lifestyle coach, whose caseload the generator fills. */
export const DEMO_COACH = DEMO_STAFF.find((member) => member.role === 'coach') as DemoStaff;
