// Copying text. The async Clipboard API needs a secure context (localhost counts); elsewhere a hidden textarea
// and execCommand('copy') do the job, as they still do in every browser.

export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e: unknown) {
      if (!(e instanceof DOMException)) throw e; // permission refused: fall through to the old way
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  // The fallback for pages without the async Clipboard API (plain http on a LAN address): execCommand is all there is.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}
