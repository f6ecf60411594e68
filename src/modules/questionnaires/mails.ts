import { type MailMessage, renderMail } from '../../platform/mail/index.ts';

/** A questionnaire the participant answered before is due again. */
export function reminderMail(to: string, locale: 'nl' | 'en', title: string, url: string): MailMessage {
  if (locale === 'nl') {
    return {
      to,
      subject: `Tijd om opnieuw in te vullen: ${title}`,
      ...renderMail({
        locale,
        heading: 'Wilt u de vragenlijst opnieuw invullen?',
        paragraphs: [
          `U vulde eerder de vragenlijst „${title}” in. Het is tijd om dat opnieuw te doen. Zo ziet u hoe het nu met u gaat en wat er veranderd is.`,
          'Het invullen duurt een paar minuten. U kunt tussendoor stoppen en later verdergaan.',
          'Wilt u geen e-mail meer van ons? Pas dat aan in uw profiel.',
        ],
        action: { label: 'Vragenlijst invullen', url },
      }),
    };
  }
  return {
    to,
    subject: `Time to fill in again: ${title}`,
    ...renderMail({
      locale,
      heading: 'Would you fill in the questionnaire again?',
      paragraphs: [
        `You filled in “${title}” before. It is time to do so again, so you can see how you are doing now and what has changed.`,
        'It takes a few minutes. You can stop halfway and continue later.',
        'Rather not get e-mail from us? Change that in your profile.',
      ],
      action: { label: 'Fill in the questionnaire', url },
    }),
  };
}
