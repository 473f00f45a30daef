/*
 * ITGC Engine's configuration of Camunda Tasklist (replaces the webapp's own scripts/config.js, which is all
 * comments and the keyboard shortcuts kept below). custom/itgc.js links Tasklist with the engine's own pages.
 */
export default {
  app: {
    name: 'Tasklist',
    vendor: 'ITGC Engine'
  },
  customScripts: ['custom/itgc'],
  disableWelcomeMessage: true,
  shortcuts: {
    claimTask: {key: 'ctrl+alt+c', description: 'claims the currently selected task'},
    focusFilter: {key: 'ctrl+shift+f', description: 'set the focus to the first filter in the list'},
    focusList: {key: 'ctrl+alt+l', description: 'sets the focus to the first task in the list'},
    focusForm: {key: 'ctrl+alt+f', description: 'sets the focus to the first input field in a task form'},
    startProcess: {key: 'ctrl+alt+p', description: 'opens the start process modal dialog'}
  }
};
