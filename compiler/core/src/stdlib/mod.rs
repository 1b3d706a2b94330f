//! The standard library: `.eng` files embedded in the binary that declare the engine
//! and store kinds, the platform components and the custom resources they manage.

pub const FILES: &[(&str, &str)] = &[
    (
        "<stdlib>/engines.eng",
        include_str!("../../../../stdlib/engines.eng"),
    ),
    (
        "<stdlib>/stores.eng",
        include_str!("../../../../stdlib/stores.eng"),
    ),
    (
        "<stdlib>/components.eng",
        include_str!("../../../../stdlib/components.eng"),
    ),
];
