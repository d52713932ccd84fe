import { describe, expect, it } from 'vitest';
import { isSafeLink, renderMarkdown } from './markdown';

/** No element, attribute or URL in the output that a browser would run. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<(script|img|iframe|object|embed|svg|style|form|input|math|base|link|meta)\b/i);
  // Attribute names only: what is inside a quoted value is text.
  for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/(href|src)\s*=\s*"\s*(javascript|vbscript|data|file):/i);
}

describe('renderMarkdown', () => {
  it('renders emphasis, lists, code and paragraphs', () => {
    expect(renderMarkdown('**gamma** burst at *150 ms*\n\n- a\n- `b`')).toBe(
      '<p><strong>gamma</strong> burst at <em>150 ms</em></p>\n<ul>\n<li>a</li>\n<li><code>b</code></li>\n</ul>\n',
    );
  });

  it('keeps raw HTML as text', () => {
    const html = renderMarkdown('<script>alert(1)</script> and <img src=x onerror=alert(1)>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expectInert(html);
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](  javascript:alert(1) )',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;&#x61;vascript:alert(1))',
    '[x](java&#9;script:alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](file:///etc/passwd)',
    '<javascript:alert(1)>',
    '[x]: javascript:alert(1)\n\n[link][x]',
    '![x](data:image/svg+xml,<svg onload=alert(1)>)',
    '![x](https://example.org/pixel.png)',
    '[x](https://ok.org "a\\" onmouseover=\\"alert(1)")',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '`<script>alert(1)</script>`',
  ])('renders %s without anything executable', (src) => {
    expectInert(renderMarkdown(src));
  });

  it('keeps the text of a refused link but not its target', () => {
    const html = renderMarkdown('[click](javascript:alert(1))');
    expect(html).not.toContain('<a');
    expect(html).toContain('click');
  });

  it('opens external links in a new tab without opener or referrer, relative and mailto links in place', () => {
    expect(renderMarkdown('[paper](https://doi.org/10.1/x)')).toBe(
      '<p><a href="https://doi.org/10.1/x" target="_blank" rel="noopener noreferrer nofollow">paper</a></p>\n',
    );
    expect(renderMarkdown('see https://example.org')).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">');
    expect(renderMarkdown('[contact](/labs/l1/analyses/a1/contacts/3)')).toBe('<p><a href="/labs/l1/analyses/a1/contacts/3">contact</a></p>\n');
    expect(renderMarkdown('[ana](mailto:ana@lab.org)')).toBe('<p><a href="mailto:ana@lab.org">ana</a></p>\n');
  });
});

describe('isSafeLink', () => {
  it('allows http(s), mailto and relative targets only', () => {
    expect(['https://a.org', 'http://a.org', 'mailto:a@b.org', '/labs/x', 'x?y=1', '#top'].every(isSafeLink)).toBe(true);
    expect(['javascript:alert(1)', 'JavaScript:x', 'java\tscript:x', ' javascript:x', 'data:text/html,x', 'vbscript:x', 'ftp://a.org'].some(isSafeLink)).toBe(false);
  });
});
