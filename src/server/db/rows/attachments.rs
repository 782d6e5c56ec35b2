use crate::model::attachment::{AttachmentKind, AttachmentView};
use crate::server::db::schema::attachments;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub user_id: i64,
    pub kind: AttachmentKind,
    pub name: String,
    pub mime: String,
    pub bytes: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub pages: Option<i32>,
    pub created_at: i64,
}

impl Attachment {
    pub fn view(&self) -> AttachmentView {
        AttachmentView {
            id: self.id,
            kind: self.kind,
            name: self.name.clone(),
            mime: self.mime.clone(),
            bytes: self.bytes,
            width: self.width,
            height: self.height,
            pages: self.pages,
            created_at: self.created_at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub user_id: i64,
    pub kind: AttachmentKind,
    pub name: &'a str,
    pub mime: &'a str,
    pub bytes: i64,
    pub sha256: &'a str,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub pages: Option<i32>,
    pub text: Option<&'a str>,
    pub created_at: i64,
}
