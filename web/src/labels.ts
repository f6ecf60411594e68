import type { TFunction } from 'i18next';
import { isOrganisationType, isRole } from './api-types.ts';

/** The translated name of a role; an unknown slug is shown as it is. */
export const roleLabel = (t: TFunction, role: string): string => (isRole(role) ? t(`roles.${role}`) : role);

/** The translated name of an organisation type; an unknown slug is shown as it is. */
export const organisationTypeLabel = (t: TFunction, type: string | undefined): string =>
  type === undefined ? '' : isOrganisationType(type) ? t(`organisationTypes.${type}`) : type;
