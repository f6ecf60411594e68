import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { Organisation } from '../../api-types.ts';

export const organisationsKey = ['admin', 'organisations'] as const;

/** GET /admin/organisations. */
export function useOrganisations() {
  return useQuery({
    queryKey: organisationsKey,
    queryFn: () => api.get<{ organisations: Organisation[] }>('/admin/organisations'),
  });
}
