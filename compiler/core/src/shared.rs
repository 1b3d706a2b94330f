//! [`Shared`]: a value shared between compilations, copied only when written.
//!
//! The language server's memo keeps each access level's lowering between edits; with
//! the model holding its levels as `Shared`, a kept level is handed to the next
//! compilation by a reference count, not copied, and freeing the compilation an edit
//! replaced does not free the level either.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Reads like `T`; a write (`DerefMut`) copies the value first when another holder
/// shares it ([`Arc::make_mut`]), so holders never see each other's changes.
#[derive(Default, PartialEq, Eq)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// The value, copied only when another holder shares it.
    pub fn into_inner(self) -> T
    where
        T: Clone,
    {
        Arc::unwrap_or_clone(self.0)
    }

    /// The value to write in place, when no other holder shares it.
    pub fn get_mut(this: &mut Shared<T>) -> Option<&mut T> {
        Arc::get_mut(&mut this.0)
    }

    /// Whether no other holder shares the value (then [`Shared::get_mut`] gives it).
    pub fn is_unique(this: &Shared<T>) -> bool {
        Arc::strong_count(&this.0) == 1 && Arc::weak_count(&this.0) == 0
    }

    /// Whether both hold the same value (not a copy of it).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

/// As `T` prints: snapshots of the model read the same as before.
impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_copies_only_a_shared_value() {
        let mut a = Shared::new(vec![1]);
        let b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        a.push(2);
        assert_eq!((&*a, &*b), (&vec![1, 2], &vec![1]));
        assert!(!Shared::ptr_eq(&a, &b));
        let before = &*a as *const Vec<i32>;
        a.push(3);
        assert_eq!(before, &*a as *const Vec<i32>);
        assert_eq!(format!("{a:?}"), "[1, 2, 3]");
    }
}
