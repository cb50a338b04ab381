//! The clickable, focusable node buttons laid over the canvas.
//!
//! A separate component with value-compared props, so the panels' periodic
//! re-render does not diff hundreds of buttons: they re-render only when the
//! layout, a node's up/down state or the selection changes.

use std::rc::Rc;
use yew::prelude::*;

/// One node's button.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeButton {
    /// Top-left corner and size, CSS px.
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub up: bool,
    pub selected: bool,
    /// The protocol's word on the node, if it has one ("leader, term 3").
    pub role: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct NodeLayerProps {
    pub nodes: Rc<Vec<NodeButton>>,
    pub on_select: Callback<u32>,
}

#[component(NodeLayer)]
pub fn node_layer(props: &NodeLayerProps) -> Html {
    html! {
        <div class="nodes" role="group" aria-label="Nodes">
            { for props.nodes.iter().enumerate().map(|(i, b)| {
                let i = i as u32;
                let on_select = props.on_select.clone();
                let label = format!("Node n{i}, {}{}{}", if b.up { "up" } else { "crashed" },
                    b.role.as_ref().map_or(String::new(), |r| format!(", {r}")),
                    if b.selected { ", selected" } else { "" });
                html! {
                    <button class="node-hit" data-testid={format!("node-{i}")} aria-label={label}
                        aria-pressed={ b.selected.to_string() }
                        style={format!("left:{:.1}px;top:{:.1}px;width:{:.1}px;height:{:.1}px", b.x, b.y, b.size, b.size)}
                        onclick={Callback::from(move |e: MouseEvent| { e.stop_propagation(); on_select.emit(i) })}></button>
                }
            }) }
        </div>
    }
}
