import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { DomainError, invalidFields } from '../../platform/errors/index.ts';
import type { CoachingStore } from './store.ts';

export interface CoachingDeps {
  store: CoachingStore;
  access: AccessPolicy;
  clock: () => Date;
  isMember: (participantId: string) => Promise<boolean>;
  /** Whether the account holds the coach role. */
  isCoach: (accountId: string) => Promise<boolean>;
  displayNameOf: (accountId: string) => Promise<string | undefined>;
  /** Of the participants, those who share with their coach now (consent purpose coach_sharing). */
  sharing: (participantIds: string[]) => Promise<Set<string>>;
}

/** A participant in a coach's caseload, as the coach sees the list. */
export interface CaseloadMember {
  participantId: string;
  displayName: string;
  since: Date;
  /** Shares with their coach now: only then does the coach see their data. */
  sharing: boolean;
}

/** Caseloads: which coach coaches whom, the `caseload` relation the access policy asks. */
export function createCoachingService(deps: CoachingDeps) {
  const { store, access, clock } = deps;

  async function checkPair(coachId: string, participantId: string) {
    const problems: Record<string, string> = {};
    if (!(await deps.isCoach(coachId))) problems.coachId = 'This account is not a coach.';
    if (!(await deps.isMember(participantId)))
      problems.participantId = 'This is not a member of the Citizen Lab.';
    if (Object.keys(problems).length > 0) throw invalidFields(problems);
  }

  return {
    /** An administrator puts a member in a coach's caseload (again, after an end). */
    async assign(actor: Actor, input: { coachId: string; participantId: string }) {
      await access.require(actor, {
        action: 'caseload.assign',
        purpose: 'administration',
        subject: input.participantId,
        details: { coachId: input.coachId, change: 'assigned' },
      });
      await checkPair(input.coachId, input.participantId);
      const row = await store.assign(input.participantId, input.coachId, actor.accountId, clock());
      return { coachId: row.coach_id, participantId: row.participant_id, since: row.assigned_at };
    },

    /** An administrator ends a coaching: from now on the coach sees nothing of the member. */
    async end(actor: Actor, input: { coachId: string; participantId: string }): Promise<void> {
      await access.require(actor, {
        action: 'caseload.assign',
        purpose: 'administration',
        subject: input.participantId,
        details: { coachId: input.coachId, change: 'ended' },
      });
      if (!(await store.end(input.participantId, input.coachId, clock()))) {
        throw new DomainError('not_found', 'This member is not in this coach’s caseload.');
      }
    },

    /** The coach's own caseload: every member, and whether each shares with them now. */
    async caseload(actor: Actor): Promise<CaseloadMember[]> {
      const rows = await store.caseloadOf(actor.accountId);
      const ids = rows.map((row) => row.participant_id);
      const visible = new Set(
        await access.filter(actor, { action: 'caseload.read', purpose: 'coaching' }, ids),
      );
      const sharing = await deps.sharing(ids);
      const members: CaseloadMember[] = [];
      for (const row of rows) {
        if (!visible.has(row.participant_id)) continue;
        members.push({
          participantId: row.participant_id,
          displayName: (await deps.displayNameOf(row.participant_id)) ?? '',
          since: row.assigned_at,
          sharing: sharing.has(row.participant_id),
        });
      }
      return members;
    },
  };
}

export type CoachingService = ReturnType<typeof createCoachingService>;
