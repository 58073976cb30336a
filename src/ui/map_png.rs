//! The map as a PNG, made in the page: the report's map with its legend, scale bar, north arrow
//! and attribution, as one SVG (`app::print::map_image_svg`), drawn through an image into a
//! canvas at twice its size, encoded by the browser. Nothing leaves the computer.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Canvas pixels per SVG unit: the 1000-unit-wide map becomes 2000 pixels wide.
const SCALE: f64 = 2.0;

/// `svg` (`width` × `height` units, explicit in the SVG itself) as a PNG on white, at twice its
/// size.
pub async fn render(svg: &str, width: f64, height: f64) -> Result<web_sys::Blob, JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml;charset=utf-8");
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let img = web_sys::HtmlImageElement::new()?;
    img.set_src(&url);
    // Decoded: the image is ready to draw (an SVG with an error fails here, not blank).
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded?;
    let canvas: web_sys::HtmlCanvasElement = leptos::prelude::document()
        .create_element("canvas")?
        .dyn_into()?;
    let (w, h) = ((width * SCALE).round(), (height * SCALE).round());
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into()?;
    // White under everything: the PNG is never transparent.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w, h)?;
    let png = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob(&resolve) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    }))
    .await?;
    // `null` when the canvas could not be encoded.
    png.dyn_into()
}
