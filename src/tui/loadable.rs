//! `Loadable`: the state of something fetched from the shop, shared by every pane.

/// Something that loads: not asked yet, in flight, here, or failed (with the message shown).
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Loadable<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Loadable::Ready(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading)
    }
}
