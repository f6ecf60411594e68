import { type BulkSession, copyRow } from '../../platform/db/index.ts';
import type { EducationLevel } from './model.ts';

/** A Citizen Lab member written in bulk by the demo generator. */
export interface SeedParticipant {
  participantId: string;
  birthYear: number;
  birthMonth: number;
  sexAtBirth: 'female' | 'male';
  postcode4: string;
  municipalityCode: string;
  educationLevel: EducationLevel | null;
  contactPreference: 'email' | 'none';
  timeZone: string;
  joinedAt: Date;
}

/** Bulk writes of members for synthetic populations (src/demo), inside the caller's transaction. */
export function createParticipantSeeder() {
  return {
    async participants(session: BulkSession, rows: readonly SeedParticipant[]): Promise<void> {
      await session.copyRows(
        'participants',
        [
          'participant_id',
          'birth_year',
          'birth_month',
          'sex_at_birth',
          'postcode4',
          'municipality_code',
          'education_level',
          'contact_preference',
          'time_zone',
          'joined_at',
          'updated_at',
        ],
        rows.map((p) =>
          copyRow([
            p.participantId,
            p.birthYear,
            p.birthMonth,
            p.sexAtBirth,
            p.postcode4,
            p.municipalityCode,
            p.educationLevel,
            p.contactPreference,
            p.timeZone,
            p.joinedAt.toISOString(),
            p.joinedAt.toISOString(),
          ]),
        ),
      );
    },
  };
}

export type ParticipantSeeder = ReturnType<typeof createParticipantSeeder>;
