import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from './browser.js';

export interface OpenedPage {
  page: Page;
  /** Messages of uncaught exceptions and rejections that reached the page. */
  pageErrors: string[];
}

/** Opens `url` in a new tab, recording every `pageerror` from the start. */
export async function openPage(browser: LaunchedBrowser, url: string): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { page, pageErrors };
}
