//! `hoist`: the command-line front end. The only crate that prints.

fn main() {
    println!("hoist");
}
