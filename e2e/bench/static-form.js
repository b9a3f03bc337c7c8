// The plain-HTML form's script (a file, so the server's CSP allows it).
document.getElementById('step-title').focus();
for (const r of document.querySelectorAll('input[name=template]')) {
  r.addEventListener('change', () => { document.getElementById('next').disabled = false; });
}
