import type { Role } from '../../platform/access/index.ts';
import { type MailMessage, renderMail } from '../../platform/mail/index.ts';
import type { Locale } from './model.ts';

const ROLE_NAMES: Record<Locale, Record<Role, string>> = {
  nl: {
    citizen: 'deelnemer',
    coach: 'leefstijlcoach',
    researcher: 'onderzoeker',
    data_steward: 'datacommissie',
    innovator: 'innovator',
    partner_analyst: 'analist van een partner',
    programme_manager: 'programmamanager',
    administrator: 'beheerder',
  },
  en: {
    citizen: 'participant',
    coach: 'lifestyle coach',
    researcher: 'researcher',
    data_steward: 'data access committee',
    innovator: 'innovator',
    partner_analyst: 'partner analyst',
    programme_manager: 'programme manager',
    administrator: 'administrator',
  },
};

const FOOTER: Record<Locale, string> = {
  nl: 'TOPFIT Citizen Lab — Oost-Nederland. Heeft u dit niet aangevraagd? Dan kunt u dit bericht negeren.',
  en: 'TOPFIT Citizen Lab — East Netherlands. Did you not ask for this? Then you can ignore this message.',
};

function message(
  to: string,
  locale: Locale,
  subject: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): MailMessage {
  return {
    to,
    subject,
    ...renderMail({
      locale,
      heading: subject,
      paragraphs,
      footer: FOOTER[locale],
      ...(action ? { action } : {}),
    }),
  };
}

/** The e-mails of the identity module, in the recipient's language. */
export const identityMails = {
  verifyEmail: (to: string, locale: Locale, url: string) =>
    locale === 'nl'
      ? message(
          to,
          locale,
          'Bevestig uw e-mailadres',
          [
            'Welkom bij het TOPFIT Citizen Lab. Klik op de knop om uw e-mailadres te bevestigen. De link werkt 24 uur.',
          ],
          { label: 'E-mailadres bevestigen', url },
        )
      : message(
          to,
          locale,
          'Confirm your e-mail address',
          [
            'Welcome to the TOPFIT Citizen Lab. Click the button to confirm your e-mail address. The link works for 24 hours.',
          ],
          { label: 'Confirm e-mail address', url },
        ),

  alreadyRegistered: (to: string, locale: Locale, signInUrl: string, resetUrl: string) =>
    locale === 'nl'
      ? message(
          to,
          locale,
          'U heeft al een account',
          [
            `Iemand probeerde een account te maken met dit e-mailadres. U heeft al een account. Log in, of vraag een nieuw wachtwoord aan: ${resetUrl}`,
          ],
          { label: 'Inloggen', url: signInUrl },
        )
      : message(
          to,
          locale,
          'You already have an account',
          [
            `Someone tried to create an account with this e-mail address. You already have one. Sign in, or ask for a new password: ${resetUrl}`,
          ],
          { label: 'Sign in', url: signInUrl },
        ),

  resetPassword: (to: string, locale: Locale, url: string) =>
    locale === 'nl'
      ? message(
          to,
          locale,
          'Nieuw wachtwoord instellen',
          [
            'U vroeg om een nieuw wachtwoord. Klik op de knop om het in te stellen. De link werkt 1 uur en één keer.',
          ],
          { label: 'Nieuw wachtwoord instellen', url },
        )
      : message(
          to,
          locale,
          'Set a new password',
          ['You asked for a new password. Click the button to set it. The link works once, for 1 hour.'],
          { label: 'Set a new password', url },
        ),

  passwordChanged: (to: string, locale: Locale, resetUrl: string) =>
    locale === 'nl'
      ? message(
          to,
          locale,
          'Uw wachtwoord is gewijzigd',
          [
            'Het wachtwoord van uw account is zojuist gewijzigd en u bent op andere apparaten uitgelogd. Was u dit niet? Stel dan meteen een nieuw wachtwoord in.',
          ],
          { label: 'Nieuw wachtwoord instellen', url: resetUrl },
        )
      : message(
          to,
          locale,
          'Your password was changed',
          [
            'The password of your account was just changed and your other devices were signed out. Was this not you? Set a new password right away.',
          ],
          { label: 'Set a new password', url: resetUrl },
        ),

  invitation: (to: string, locale: Locale, role: Role, organisation: string | null, url: string) => {
    const roleName = ROLE_NAMES[locale][role];
    return locale === 'nl'
      ? message(
          to,
          locale,
          'Uitnodiging voor het TOPFIT-platform',
          [
            `U bent uitgenodigd als ${roleName}${organisation ? ` van ${organisation}` : ''} op het TOPFIT-platform. Klik op de knop om uw account te maken of de rol aan uw account toe te voegen. De link werkt 7 dagen.`,
          ],
          { label: 'Uitnodiging aannemen', url },
        )
      : message(
          to,
          locale,
          'Invitation to the TOPFIT platform',
          [
            `You are invited as ${roleName}${organisation ? ` of ${organisation}` : ''} on the TOPFIT platform. Click the button to create your account or add the role to your account. The link works for 7 days.`,
          ],
          { label: 'Accept the invitation', url },
        );
  },
};
