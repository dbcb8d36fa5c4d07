// Accessible tabs (WAI-ARIA "tabs" pattern): buttons with role="tab" inside role="tablist",
// arrow keys / Home / End move between tabs, each tab controls a role="tabpanel" section.

let onChange = null;

/** Wires every [role=tablist] button; `changed(name)` is called when the user switches tab. */
export function initTabs(changed) {
  onChange = changed;
  const list = document.querySelector('[role="tablist"]');
  const tabs = [...list.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => showTab(tab.dataset.tab, { focus: false, user: true }));
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      let j = null;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = (i - 1 + tabs.length) % tabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = tabs.length - 1;
      if (j !== null) {
        e.preventDefault();
        showTab(tabs[j].dataset.tab, { focus: true, user: true });
      }
    });
  }
}

/** Shows the tab `name` ("selection", "reco", "scenario", "expansion", "coordinators", "data"). */
export function showTab(name, { focus = false, user = false } = {}) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const target = tabs.find((t) => t.dataset.tab === name);
  if (!target) return false;
  for (const t of tabs) {
    const on = t === target;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    const panel = document.getElementById(t.getAttribute('aria-controls'));
    if (panel) panel.hidden = !on;
  }
  if (focus) target.focus();
  if (onChange) onChange(name, user);
  return true;
}

export function activeTab() {
  const t = document.querySelector('[role="tab"][aria-selected="true"]');
  return t ? t.dataset.tab : null;
}
