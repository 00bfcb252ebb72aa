//! The `serde::Serializer` traits for the flattener.

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::{Compound, Flattener, VariantCompound};
use crate::SigmaError;

type Res = Result<(), SigmaError>;

impl<'f, 'e> ser::Serializer for &'f mut Flattener<'e> {
    type Ok = ();
    type Error = SigmaError;
    type SerializeSeq = Compound<'f, 'e>;
    type SerializeTuple = Compound<'f, 'e>;
    type SerializeTupleStruct = Compound<'f, 'e>;
    type SerializeTupleVariant = VariantCompound<'f, 'e>;
    type SerializeMap = Compound<'f, 'e>;
    type SerializeStruct = Compound<'f, 'e>;
    type SerializeStructVariant = VariantCompound<'f, 'e>;

    fn serialize_bool(self, v: bool) -> Res {
        self.push(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.push_display(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Res {
        self.push_display(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.push_display(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Res {
        self.push_display(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Res {
        // serde_json widens f32 to f64 before printing it.
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Res {
        match serde_json::Number::from_f64(v) {
            Some(n) => self.push_display(n),
            None => self.push(""),
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        self.push(v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Res {
        self.push(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        let mut seq = self.compound();
        for b in v {
            seq.element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Res {
        self.push("");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.push("");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Res {
        self.push(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.variant(variant, value)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, SigmaError> {
        Ok(self.compound())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, SigmaError> {
        Ok(self.compound())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, SigmaError> {
        Ok(self.compound())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, SigmaError> {
        Ok(VariantCompound::open(self, variant))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, SigmaError> {
        Ok(self.compound())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, SigmaError> {
        Ok(self.compound())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, SigmaError> {
        Ok(VariantCompound::open(self, variant))
    }
}

/// Sequences, tuples and tuple structs: every element under the parent's key.
macro_rules! elements_under_parent_key {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = SigmaError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
                self.element(value)
            }
            fn end(self) -> Res {
                Compound::end(self)
            }
        }
    )*};
}

elements_under_parent_key!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = SigmaError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.pending_key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        let key = self.pending_key.take().unwrap_or_default();
        self.field(&key, value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = SigmaError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }
    fn end(self) -> Res {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for VariantCompound<'_, '_> {
    type Ok = ();
    type Error = SigmaError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.inner.element(value)
    }
    fn end(self) -> Res {
        VariantCompound::end(self)
    }
}

impl ser::SerializeStructVariant for VariantCompound<'_, '_> {
    type Ok = ();
    type Error = SigmaError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.inner.field(key, value)
    }
    fn end(self) -> Res {
        VariantCompound::end(self)
    }
}

/// Map keys as serde_json prints them: strings, and integer, boolean and
/// character keys. Anything else is an error: serde_json refuses the rest
/// too, except float keys, which it prints with its own float formatter
/// (callers that need those take the JSON route on this error).
struct MapKey;

/// Scalars serde_json prints as a map key's string.
macro_rules! printed_as_key {
    ($($method:ident : $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<String, SigmaError> {
            Ok(v.to_string())
        }
    )*};
}

fn key_error() -> SigmaError {
    SigmaError::Flatten("map key is not a string".to_owned())
}

impl ser::Serializer for MapKey {
    type Ok = String;
    type Error = SigmaError;
    type SerializeSeq = Impossible<String, SigmaError>;
    type SerializeTuple = Impossible<String, SigmaError>;
    type SerializeTupleStruct = Impossible<String, SigmaError>;
    type SerializeTupleVariant = Impossible<String, SigmaError>;
    type SerializeMap = Impossible<String, SigmaError>;
    type SerializeStruct = Impossible<String, SigmaError>;
    type SerializeStructVariant = Impossible<String, SigmaError>;

    fn serialize_str(self, v: &str) -> Result<String, SigmaError> {
        Ok(v.to_owned())
    }
    printed_as_key!(
        serialize_char: char,
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64
    );
    fn serialize_f32(self, _v: f32) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result<String, SigmaError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, SigmaError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, SigmaError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, SigmaError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, SigmaError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, SigmaError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, SigmaError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, SigmaError> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, SigmaError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, SigmaError> {
        Err(key_error())
    }
}
