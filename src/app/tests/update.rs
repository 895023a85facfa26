//! Pausing and the overlays.

use super::*;

#[test]
fn space_pauses_and_resumes() {
    let mut a = app();
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Pause)]
    );
    assert!(a.paused);
    assert_eq!(a.phase, Phase::Paused);
    // Samples that were in flight do not unpause the display.
    a.update(Action::Engine(sample(START, 0, 10.0)));
    assert_eq!(a.phase, Phase::Paused);
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Resume)]
    );
    assert!(!a.paused);
    assert_ne!(a.phase, Phase::Paused);
}

#[test]
fn help_toggles_and_escape_closes_it() {
    let mut a = app();
    a.update(Action::ToggleHelp);
    assert_eq!(a.overlay, Some(Overlay::Help));
    a.update(Action::ToggleHelp);
    assert_eq!(a.overlay, None);
    a.update(Action::ToggleHelp);
    a.update(Action::Dismiss);
    assert_eq!(a.overlay, None);
}
