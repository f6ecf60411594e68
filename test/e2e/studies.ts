/** What the research browser tests share: staff acting through the services, and a study ready to recruit. */
import type { Criteria } from '../../src/modules/research/criteria.ts';
import type { Actor } from '../../src/platform/access/index.ts';
import type { Platform } from './harness.ts';

/** A new account of a staff role, acting as staff do: signed in with two factors. */
export async function staffActor(
  platform: Platform,
  role: 'researcher' | 'data_steward',
  displayName: string = role,
): Promise<Actor> {
  const { accountId } = await platform.app.identity.admin.createUser({
    email: `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.org`,
    displayName,
    roles: [role],
    organisationId: null,
    locale: 'nl',
  });
  return { accountId, roles: [role], mfaVerified: true };
}

/**
 * A study of `pi` with these criteria and its ethics decision recorded, approved by a data steward and then
 * recruiting (unless `open` is false: then it stays a draft).
 */
export async function studyOf(
  platform: Platform,
  pi: Actor,
  texts: { title: { nl: string; en: string }; summary: { nl: string; en: string } },
  options: { criteria?: Criteria; open?: boolean } = {},
) {
  const research = platform.app.research;
  const drafted = await research.create(pi, {
    ...texts,
    consent: {
      nl: 'Ik doe vrijwillig mee. Mijn gegevens worden gebruikt onder een code.',
      en: 'I take part voluntarily. My data are used under a code.',
    },
  });
  await research.update(pi, drafted.id, {
    ethics: {
      committee: 'METC Oost-Nederland',
      reference: 'NL24680.091.26',
      decidedOn: '2026-09-01',
      documentSha256: 'e'.repeat(64),
    },
    criteria: options.criteria ?? { all: [] },
  });
  if (options.open === false) return drafted;
  await research.advance(await staffActor(platform, 'data_steward', 'Databeheerder'), drafted.id, 'approved');
  return research.advance(pi, drafted.id, 'recruiting');
}
