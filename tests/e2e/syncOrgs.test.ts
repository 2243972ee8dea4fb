/**
 * Organization management in the UI, as two people do it in two browser contexts on a real
 * server: create and rename, invite by link and decline, accept, change a role, remove, leave;
 * and the account page: password change, sign-out and sign-in with the new password.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { register } from '../helpers/team';

let server: TestServer;
let browser: Browser;
let anna: Page;
let ben: Page;
let orgId = '';

async function invite(role: string): Promise<string> {
  await anna.goto(`${server.url}/orgs/${orgId}`);
  await anna.getByTestId('invite-role').selectOption(role);
  await anna.getByTestId('invite-user').fill('ben');
  await anna.getByTestId('create-invite').click();
  return (await anna.getByTestId('invite-link').textContent()) ?? '';
}

async function memberRole(user: string): Promise<string> {
  const row = anna.locator(`[data-testid="member-row"][data-user="${user}"]`);
  const select = row.getByTestId('member-role');
  return (await select.count()) > 0
    ? select.inputValue()
    : ((await row.locator('td').nth(1).textContent()) ?? '');
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  anna = (await newContext(browser)).page;
  ben = (await newContext(browser)).page;
  await register(anna, server.url, 'anna');
  await register(ben, server.url, 'ben');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('organizations, members and invitations in the UI', () => {
  it('creates and renames an organization', async () => {
    await anna.getByTestId('org-name').fill('Team');
    await anna.getByTestId('create-org').click();
    await anna.getByTestId('org-title').waitFor();
    orgId = anna.url().split('/orgs/')[1] ?? '';
    await anna.getByTestId('org-rename-input').fill('Team two');
    await anna.getByTestId('org-rename').click();
    await expect.poll(() => anna.getByTestId('org-title').textContent()).toBe('Team two');
    expect(await memberRole('anna')).toBe('owner');
  });

  it('declines one invitation and accepts another; the role shows on both sides', async () => {
    const first = await invite('worker');
    await ben.goto(first);
    expect(await ben.getByTestId('invite-summary').textContent()).toMatch(/Team two.*worker/s);
    await ben.getByTestId('decline-invite').click();
    await ben.getByTestId('invite-declined').waitFor();
    // A used invitation cannot be answered again.
    await ben.goto(first);
    await ben.getByTestId('invite-error').waitFor();

    const second = await invite('worker');
    await ben.goto(`${server.url}/orgs`);
    await ben.getByTestId('invite-input').fill(second);
    await ben.getByTestId('open-invite').click();
    await ben.getByTestId('accept-invite').click();
    await ben.waitForURL(`${server.url}/`);
    expect(await ben.getByTestId('workspace-switcher').inputValue()).toBe(orgId);
    await ben.goto(`${server.url}/orgs`);
    expect(await ben.getByTestId('org-row').textContent()).toContain('worker');

    await anna.reload();
    await anna.locator('[data-testid="member-row"][data-user="ben"]').waitFor();
    expect(await memberRole('ben')).toBe('worker');
  });

  it('changes a member role and removes the member', async () => {
    const row = anna.locator('[data-testid="member-row"][data-user="ben"]');
    await row.getByTestId('member-role').selectOption('maintainer');
    // The change is saved by a request; after a reload the server's answer shows.
    await expect
      .poll(async () => {
        await anna.reload();
        await row.waitFor();
        return memberRole('ben');
      })
      .toBe('maintainer');

    await row.getByTestId('member-remove').click();
    await expect.poll(() => row.count()).toBe(0);
    await ben.goto(`${server.url}/orgs`);
    await ben.getByTestId('no-orgs').waitFor();
  });

  it('lets a member leave, back to the personal workspace', async () => {
    const link = await invite('supervisor');
    await ben.goto(link);
    await ben.getByTestId('accept-invite').click();
    await ben.waitForURL(`${server.url}/`);
    await ben.goto(`${server.url}/orgs/${orgId}`);
    ben.once('dialog', (dialog) => void dialog.accept());
    await ben.getByTestId('leave-org').click();
    await ben.waitForURL(/\/orgs$/);
    await ben.getByTestId('no-orgs').waitFor();
    expect(await ben.getByTestId('workspace-switcher').inputValue()).toBe('personal');
  });

  it('changes the password, signs out and signs in with the new one', async () => {
    await ben.goto(`${server.url}/account`);
    expect(await ben.getByTestId('account-user').textContent()).toContain('ben');
    await ben.getByTestId('current-password').fill('ben-password');
    await ben.getByTestId('new-password').fill('ben-new-password');
    await ben.getByTestId('change-password').click();
    await expect.poll(() => ben.getByTestId('password-message').textContent()).toContain('Password changed');
    await ben.getByTestId('sign-out').click();
    await ben.waitForURL(/\/login$/);
    await ben.getByTestId('auth-username').fill('ben');
    await ben.getByTestId('auth-password').fill('ben-password');
    await ben.getByTestId('auth-submit').click();
    await expect.poll(() => ben.getByTestId('auth-error').textContent()).toContain('Invalid');
    await ben.getByTestId('auth-password').fill('ben-new-password');
    await ben.getByTestId('auth-submit').click();
    await ben.waitForURL(/\/orgs$/);
    expect(await ben.getByTestId('account-link').textContent()).toBe('ben');
  });
});
