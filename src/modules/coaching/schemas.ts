import { z } from 'zod';

export const caseloadPair = z.object({
  coachId: z.uuid().describe('The account of the coach.'),
  participantId: z.uuid().describe('The member of the Citizen Lab.'),
});
export const assigned = z.object({
  coachId: z.uuid(),
  participantId: z.uuid(),
  since: z.date().describe('When the coaching began (again).'),
});
export const noContent = z.null().describe('Done.');
export const caseloadAnswer = z.object({
  members: z
    .array(
      z.object({
        participantId: z.uuid(),
        displayName: z.string(),
        since: z.date().describe('When the coaching began.'),
        sharing: z
          .boolean()
          .describe('The member shares with their coach now; only then do their insights open to the coach.'),
      }),
    )
    .describe('The members this coach coaches now, longest coached first.'),
});
