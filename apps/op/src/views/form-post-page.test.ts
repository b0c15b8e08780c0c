import { formPostPage } from './form-post-page.js';

const page = formPostPage({
  action: 'https://rp.test/cb?a=1&b="2"',
  params: { code: 'abc', state: '"><script>alert(1)</script>', 'we<ird': "it's" },
  nonce: 'n0nce',
});

it('posts one hidden input per parameter to the redirect URI, escaping everything', () => {
  expect(page).toContain('<form method="post" action="https://rp.test/cb?a=1&amp;b=&quot;2&quot;">');
  expect(page).toContain('<input type="hidden" name="code" value="abc">');
  expect(page).toContain('<input type="hidden" name="state" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
  expect(page).toContain('<input type="hidden" name="we&lt;ird" value="it&#39;s">');
  expect(page).not.toContain('<script>alert(1)');
});

it('submits itself with a nonce-bearing script and offers a button without JavaScript', () => {
  expect(page).toContain('<script nonce="n0nce">document.forms[0].submit();</script>');
  expect(page.match(/<script/g)).toHaveLength(1);
  expect(page).toMatch(/<noscript>.*<button type="submit">Continue<\/button><\/noscript>/s);
});
