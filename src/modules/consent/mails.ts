import { type MailMessage, renderMail } from '../../platform/mail/index.ts';
import type { ConsentReceipt } from './service.ts';

const FORMAT = { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' } as const;

/** The receipt of a consent change, by e-mail, in the participant's language. */
export function receiptMail(
  to: string,
  locale: 'nl' | 'en',
  receipt: ConsentReceipt,
  dashboardUrl: string,
): MailMessage {
  const title = receipt.documentTitle[locale];
  const when = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', FORMAT).format(receipt.at);
  if (locale === 'nl') {
    const what =
      receipt.decision === 'granted' ? `U gaf toestemming voor: ${title}.` : `U zei nee tegen: ${title}.`;
    const how =
      receipt.channel === 'paper'
        ? ` Een medewerker zette uw keuze op papier in het systeem (${receipt.reason ?? ''}).`
        : '';
    return {
      to,
      subject: `Bewijs van uw keuze: ${title}`,
      ...renderMail({
        locale,
        heading: 'Bewijs van uw keuze',
        paragraphs: [
          `${what}${how}`,
          `Datum: ${when}. Tekst: versie ${receipt.documentVersion} (controlecode ${receipt.contentHash.slice(0, 16)}).`,
          'U kunt uw keuze altijd veranderen.',
        ],
        action: { label: 'Naar mijn toestemmingen', url: dashboardUrl },
      }),
    };
  }
  const what =
    receipt.decision === 'granted' ? `You gave consent for: ${title}.` : `You said no to: ${title}.`;
  const how =
    receipt.channel === 'paper'
      ? ` A member of staff entered your choice made on paper (${receipt.reason ?? ''}).`
      : '';
  return {
    to,
    subject: `Receipt of your choice: ${title}`,
    ...renderMail({
      locale,
      heading: 'Receipt of your choice',
      paragraphs: [
        `${what}${how}`,
        `Date: ${when}. Text: version ${receipt.documentVersion} (check code ${receipt.contentHash.slice(0, 16)}).`,
        'You can change your choice at any time.',
      ],
      action: { label: 'Go to my consents', url: dashboardUrl },
    }),
  };
}
