import { logoutUrls } from './logout-urls.js';

it('derives the three registration values from the base URL', () => {
  expect(logoutUrls('https://rp.example')).toEqual({
    backchannel: 'https://rp.example/backchannel-logout',
    frontchannel: 'https://rp.example/frontchannel-logout',
    postLogoutRedirect: 'https://rp.example/signed-out',
  });
});
