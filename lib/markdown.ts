import MarkdownIt from 'markdown-it';

/**
 * Markdown for text people write to each other (annotation bodies): raw HTML is off, so `<script>` stays text;
 * links may only go to http(s), mailto or a relative path, and images are off (a remote image would tell its
 * host who read the note). External links open in a new tab without handing it the opener or our referrer.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true });
md.disable('image');

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);
const defaultValidateLink = md.validateLink.bind(md);

/** Whether a (normalised) link target is safe to put in an href. */
export function isSafeLink(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so judge the URL without them.
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = SCHEME.exec(compact)?.[1]?.toLowerCase();
  return scheme === undefined || SAFE_SCHEMES.has(scheme);
}

md.validateLink = (url) => defaultValidateLink(url) && isSafeLink(url);

const isExternal = (href: string) => /^(https?:)?\/\//i.test(href);
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  if (isExternal(token.attrGet('href') ?? '')) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer nofollow');
  }
  return self.renderToken(tokens, idx, options);
};

/** Markdown source -> HTML that is safe to insert into a page. */
export function renderMarkdown(src: string): string {
  return md.render(src);
}
