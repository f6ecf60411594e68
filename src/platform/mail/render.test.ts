import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMail } from './index.ts';

const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'h1', 'p', 'a', 'br', 'hr']);

const tagsOf = (html: string) => [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]);

/** The readable text of the HTML: tags removed, then entities decoded. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

const hostile = `<script>alert("x")</script> & 'q'`;
const hostileEscaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;';

describe('renderMail', () => {
  it('escapes HTML in the heading, every paragraph, the action, its URL and the footer', () => {
    const url = 'https://topfit.example/verify?token=a&b="<i>"';
    const { html } = renderMail({
      locale: 'en',
      heading: `heading ${hostile}`,
      paragraphs: [`first ${hostile}`, `second ${hostile}`],
      action: { label: `label ${hostile}`, url },
      footer: `footer ${hostile}`,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<i>');
    expect(new Set(tagsOf(html))).toEqual(
      new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'h1', 'p', 'a', 'br', 'hr']),
    );
    for (const part of ['heading', 'first', 'second', 'label', 'footer']) {
      expect(html).toContain(`${part} ${hostileEscaped}`);
    }
    expect(html).toContain('href="https://topfit.example/verify?token=a&amp;b=&quot;&lt;i&gt;&quot;"');
  });

  it('writes the action URL out in both versions: a button and the address in HTML, its own line in text', () => {
    const url = 'https://topfit.example/reset?token=abc&lang=nl';
    const { text, html } = renderMail({
      locale: 'nl',
      heading: 'Nieuw wachtwoord instellen',
      paragraphs: ['U vroeg om een nieuw wachtwoord.'],
      action: { label: 'Nieuw wachtwoord instellen', url },
    });
    expect(text.split('\n')).toContain(url);
    expect(text).toContain('Nieuw wachtwoord instellen:\nhttps://topfit.example/reset?token=abc&lang=nl\n');
    const escaped = 'https://topfit.example/reset?token=abc&amp;lang=nl';
    expect(html.split(`href="${escaped}"`)).toHaveLength(3);
    expect(html).toContain(`>${escaped}</a>`);
    expect(html).toContain('Werkt de knop niet? Kopieer dan dit adres in uw browser:');
  });

  it('sets the language of the document, and words its own sentence in that language', () => {
    const input = {
      heading: 'Hi',
      paragraphs: ['Text'],
      action: { label: 'Go', url: 'https://topfit.example/' },
    };
    const dutch = renderMail({ ...input, locale: 'nl' }).html;
    const english = renderMail({ ...input, locale: 'en' }).html;
    expect(dutch).toContain('<html lang="nl">');
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Does the button not work? Copy this address into your browser:');
  });

  it('keeps the text version free of markup and entities, with the footer after a signature line', () => {
    const { text } = renderMail({
      locale: 'en',
      heading: 'Tom & Jerry <3',
      paragraphs: ['One "quoted" line', 'Two'],
      footer: 'TOPFIT Citizen Lab',
    });
    expect(text).toBe('Tom & Jerry <3\n\nOne "quoted" line\n\nTwo\n\n-- \nTOPFIT Citizen Lab\n');
  });

  it('links web addresses inside a paragraph, leaving sentence punctuation outside the link', () => {
    const { html } = renderMail({
      locale: 'en',
      heading: 'Account',
      paragraphs: ['Sign in, or ask for a new password: https://topfit.example/reset?a=1&b=2.'],
    });
    expect(html).toContain(
      ': <a href="https://topfit.example/reset?a=1&amp;b=2" style="color:#0b5394;word-break:break-all;">https://topfit.example/reset?a=1&amp;b=2</a>.</p>',
    );
  });

  it('keeps line breaks within a paragraph', () => {
    const { html } = renderMail({ locale: 'nl', heading: 'H', paragraphs: ['regel een\nregel twee'] });
    expect(html).toContain('regel een<br>\nregel twee');
  });

  it('refuses an action that is not an http(s) address', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'not a url']) {
      expect(() =>
        renderMail({ locale: 'en', heading: 'H', paragraphs: [], action: { label: 'L', url } }),
      ).toThrow(/action URL/);
    }
  });

  it('loads nothing from elsewhere: no images, stylesheets, fonts or scripts', () => {
    const { html } = renderMail({
      locale: 'en',
      heading: 'H',
      paragraphs: ['P'],
      action: { label: 'L', url: 'https://topfit.example/' },
      footer: 'F',
    });
    expect(html).not.toMatch(/<img|<link|<script|@import|url\(|@font-face/i);
  });

  it('for any input, produces only its own tags and shows every input as text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'nl' | 'en'>('nl', 'en'),
        fc.string(),
        fc.array(fc.string(), { maxLength: 4 }),
        fc.option(
          fc.record({
            label: fc.string(),
            url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
          }),
          {
            nil: undefined,
          },
        ),
        fc.option(fc.string(), { nil: undefined }),
        (locale, heading, paragraphs, action, footer) => {
          const { text, html } = renderMail({
            locale,
            heading,
            paragraphs,
            ...(action ? { action } : {}),
            ...(footer !== undefined ? { footer } : {}),
          });
          for (const tag of tagsOf(html)) expect(ALLOWED_TAGS).toContain(tag);
          const visible = textOf(html);
          const normalise = (value: string) => value.replace(/\r\n/g, '\n');
          for (const part of [heading, ...paragraphs, action?.label ?? '', action?.url ?? '', footer ?? '']) {
            expect(visible).toContain(normalise(part));
            expect(text).toContain(part);
          }
        },
      ),
    );
  });
});
