import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../../api.ts';
import type { ParticipantProfile, PostcodeAnswer } from '../../api-types.ts';

/** The cached profile of the signed-in person; invalidate after joining or a correction. */
export const profileKey = ['participants', 'me'] as const;

/** The 4 digits of a Dutch postcode, as the API takes them (no leading zero). */
export const PC4 = /^[1-9][0-9]{3}$/;

/** GET /me/profile: the Citizen Lab profile, or null when the person has not joined (404). */
export function useMyProfile(enabled = true) {
  return useQuery({
    queryKey: profileKey,
    enabled,
    queryFn: async (): Promise<ParticipantProfile | null> => {
      try {
        return await api.get<ParticipantProfile>('/me/profile');
      } catch (error) {
        if (isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** GET /regions/postcodes/{pc4}, asked as soon as 4 valid digits are typed. */
export function usePostcode(pc4: string) {
  return useQuery({
    queryKey: ['regions', 'postcodes', pc4],
    enabled: PC4.test(pc4),
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => api.get<PostcodeAnswer>(`/regions/postcodes/${encodeURIComponent(pc4)}`),
  });
}
