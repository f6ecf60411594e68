export type MailLocale = 'nl' | 'en';

export interface MailContent {
  locale: MailLocale;
  heading: string;
  /** Plain text; a line break inside a paragraph is kept, and web addresses become links in the HTML. */
  paragraphs: string[];
  /** The one thing the reader can do: a button in the HTML, its address also written out in full. */
  action?: { label: string; url: string };
  footer?: string;
}

const BUTTON_FALLBACK: Record<MailLocale, string> = {
  nl: 'Werkt de knop niet? Kopieer dan dit adres in uw browser:',
  en: 'Does the button not work? Copy this address into your browser:',
};

// Colours meet WCAG AA contrast on white (and white on the button). System fonts only: no external
// images or fonts, which mail clients block and which would tell a server when the mail was opened.
const STYLE = {
  body: 'margin:0;padding:0;background:#f4f5f7;',
  article:
    'max-width:600px;margin:0 auto;padding:24px;background:#ffffff;color:#1a1a1a;' +
    'font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;',
  heading: 'margin:0 0 16px;font-size:22px;line-height:1.3;',
  paragraph: 'margin:0 0 16px;',
  button:
    'display:inline-block;padding:12px 20px;background:#0b5394;color:#ffffff;' +
    'font-weight:bold;text-decoration:none;border-radius:4px;',
  fallback: 'margin:0 0 16px;font-size:14px;',
  link: 'color:#0b5394;word-break:break-all;',
  rule: 'border:none;border-top:1px solid #d0d4da;margin:24px 0 16px;',
  footer: 'margin:0;font-size:13px;color:#555555;',
};

/**
 * Renders a plain, accessible, bilingual-ready e-mail: text and HTML versions of the same content.
 * Every input is escaped in the HTML. Throws when the action's address is not http(s), so that a
 * `javascript:` or `data:` link can never reach a mailbox.
 */
export function renderMail(input: MailContent): { text: string; html: string } {
  const { locale, heading, paragraphs, action, footer } = input;
  if (action) assertWebAddress(action.url);

  const text = [
    heading,
    ...paragraphs,
    ...(action ? [`${action.label}:\n${action.url}`] : []),
    ...(footer ? [`-- \n${footer}`] : []),
  ].join('\n\n');

  const body = [
    `<h1 style="${STYLE.heading}">${escapeHtml(heading)}</h1>`,
    ...paragraphs.map((paragraph) => `<p style="${STYLE.paragraph}">${paragraphHtml(paragraph)}</p>`),
  ];
  if (action) {
    const href = escapeHtml(action.url);
    body.push(
      `<p style="margin:24px 0;"><a href="${href}" style="${STYLE.button}">${escapeHtml(action.label)}</a></p>`,
      `<p style="${STYLE.fallback}">${escapeHtml(BUTTON_FALLBACK[locale])}<br>` +
        `<a href="${href}" style="${STYLE.link}">${href}</a></p>`,
    );
  }
  if (footer) {
    body.push(`<hr style="${STYLE.rule}">`, `<p style="${STYLE.footer}">${paragraphHtml(footer)}</p>`);
  }

  const html = [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(heading)}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    `<div role="article" aria-label="${escapeHtml(heading)}" style="${STYLE.article}">`,
    ...body,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');

  return { text: `${text}\n`, html };
}

/** Escapes text for HTML content and for quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Stops at whitespace and at characters that cannot be part of a bare address in running text.
const WEB_ADDRESS = /https?:\/\/[^\s<>"]+/g;
// Punctuation that ends a sentence rather than the address ("… ask for a new one: https://x/y.").
const TRAILING_PUNCTUATION = /[.,;:!?)\]'’”]+$/;

/** One paragraph as HTML: escaped, line breaks kept, web addresses as links. */
function paragraphHtml(paragraph: string): string {
  let html = '';
  let at = 0;
  for (const match of paragraph.matchAll(WEB_ADDRESS)) {
    const address = match[0].replace(TRAILING_PUNCTUATION, '');
    html += escapeHtml(paragraph.slice(at, match.index));
    html += `<a href="${escapeHtml(address)}" style="${STYLE.link}">${escapeHtml(address)}</a>`;
    at = match.index + address.length;
  }
  html += escapeHtml(paragraph.slice(at));
  return html.replace(/\r?\n/g, '<br>\n');
}

function assertWebAddress(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error('renderMail: the action URL is not a valid absolute address');
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new Error(`renderMail: the action URL must be http(s), not ${protocol}`);
  }
}
